#include "types.h"
/* One object of each type, so gcc emits every definition. */
struct proc_t g_proc;
struct with_flex *g_flex;
union value g_value;
struct bits g_bits;
