#include "types.h"
/* CU 1 of the many-CU object: the shared types again, and one struct of its own. */
struct later_t;
struct own_1 { int own_1; char pad_1[1]; struct later_t *later; };
struct own_1 g_own_1;
struct proc_t g_proc_1;
int fn_1(struct own_1 *o) { int local[1]; local[0] = o->own_1; return local[0] + 1; }
