/*
 * A freestanding stand-in for the few libc calls expect.c makes (printf with %s %d %zu %td,
 * memset), so the layout program can run as a static i386 binary on this amd64 host, which has
 * no 32-bit libc: output is buffered and written with the i386 write(2) system call (int $0x80,
 * eax = 4), then exit(2) (eax = 1), from _start.
 */
#include <stdarg.h>
#include <stddef.h>

static char rt_buf[1 << 20];
static size_t rt_len;

static long rt_sys3(long n, long a, long b, long c) {
	long r;
	__asm__ volatile ("int $0x80" : "=a"(r) : "a"(n), "b"(a), "c"(b), "d"(c) : "memory");
	return r;
}

void *memset(void *p, int c, size_t n) {
	unsigned char *q = p;
	while (n--) *q++ = (unsigned char)c;
	return p;
}

static void rt_putc(char c) { if (rt_len < sizeof rt_buf) rt_buf[rt_len++] = c; }

/* 32-bit arithmetic only: 64-bit division would need libgcc, which has no i386 build here. */
static void rt_num(long v) {
	char tmp[24];
	int n = 0;
	unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
	if (v < 0) rt_putc('-');
	do { tmp[n++] = (char)('0' + u % 10); u /= 10; } while (u);
	while (n) rt_putc(tmp[--n]);
}

static int printf(const char *fmt, ...) {
	va_list ap;
	va_start(ap, fmt);
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') { rt_putc(*p); continue; }
		p++;
		if (*p == 's') { for (const char *s = va_arg(ap, const char *); *s; s++) rt_putc(*s); }
		else if (*p == 'd') rt_num(va_arg(ap, int));
		else if (*p == 'z' || *p == 't') { p++; rt_num(va_arg(ap, long)); }
		else rt_putc(*p);
	}
	va_end(ap);
	return 0;
}

int main(void);

void _start(void) {
	int rc = main();
	rt_sys3(4, 1, (long)rt_buf, (long)rt_len);
	rt_sys3(1, rc, 0, 0);
	for (;;) ;
}
