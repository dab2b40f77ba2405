#include "types.h"
/* CU 5 of the many-CU object: the shared types again, and one struct of its own. */
struct later_t;
struct own_5 { int own_5; char pad_5[5]; struct later_t *later; };
struct own_5 g_own_5;
struct proc_t g_proc_5;
int fn_5(struct own_5 *o) { int local[5]; local[0] = o->own_5; return local[0] + 5; }
