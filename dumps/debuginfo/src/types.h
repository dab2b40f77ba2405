/*
 * C declarations for the DWARF reader's tests (written for kvmkit, kernel-flavoured but not
 * FreeBSD's code): bit-fields of several widths and signedness, unions, anonymous struct and
 * union members, multi-dimensional and flexible arrays, typedef chains, qualifiers, enums,
 * function pointers, nested structs by value and arrays of them.
 */
#ifndef KVMKIT_TEST_TYPES_H
#define KVMKIT_TEST_TYPES_H
#include <stddef.h>
#include <stdint.h>

typedef unsigned int u_int;
typedef u_int flags_t;
typedef int32_t lwpid_t;
typedef long long quad_t;

enum state { S_NEW, S_RUN, S_ZOMB };
enum negative { N_NEG = -1, N_ZERO = 0 };

struct timeval_t { long tv_sec; long tv_usec; };

struct list_entry { struct thread_t *le_next; struct thread_t **le_prev; };

struct thread_t {
	struct list_entry td_plist;
	lwpid_t td_tid;
	char td_name[20];
	volatile u_int td_flags;
	const char *td_wmesg;
	unsigned char td_oncpu;
	unsigned td_inhibit:4;
	unsigned td_pri_class:3;
	signed td_nice:5;
	enum state td_state;
	short td_mat[2][3][4];
	union {
		struct timeval_t tu_tv;
		quad_t tu_q;
	} td_u;
	struct {
		int anon_a;
		char anon_b;
	};
	union {
		uint64_t anon_u64;
		uint16_t anon_u16[4];
	};
	void (*td_fn)(struct thread_t *, int);
	struct timeval_t td_times[2];
};

/* Bit-fields that cross storage units, zero-width separators and a bool. */
struct bits {
	char b_c;
	unsigned int b_a:7;
	unsigned int b_b:15;
	unsigned int b_x:17;
	unsigned int :0;
	unsigned long long b_big:40;
	unsigned long long b_rest:24;
	unsigned char b_flag:1;
	_Bool b_bool:1;
	short b_s:9;
	enum negative b_e:2;
};

/* A packed struct: members off their alignment. */
struct __attribute__((packed)) packed_t {
	char p_c;
	int p_i;
	short p_s;
	long p_l;
};

union value {
	int v_int;
	long long v_ll;
	char v_bytes[12];
	struct timeval_t v_tv;
};

struct with_flex {
	flags_t wf_flags;
	size_t wf_len;
	char wf_data[];
};

struct proc_t {
	struct { struct thread_t *tqh_first; struct thread_t **tqh_last; } p_threads;
	int p_pid;
	flags_t p_flag;
	enum state p_state;
	char p_comm[20];
	union value p_val;
	struct bits p_bits;
	struct packed_t p_packed;
	struct thread_t p_thread0;
	const volatile quad_t p_cv;
	void *p_opaque[3];
	struct later_t *p_later;
};
#endif
