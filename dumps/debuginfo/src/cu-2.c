#include "types.h"
/* CU 2 of the many-CU object: the shared types again, and one struct of its own. */
struct later_t;
struct own_2 { int own_2; char pad_2[2]; struct later_t *later; };
struct own_2 g_own_2;
struct proc_t g_proc_2;
int fn_2(struct own_2 *o) { int local[2]; local[0] = o->own_2; return local[0] + 2; }
