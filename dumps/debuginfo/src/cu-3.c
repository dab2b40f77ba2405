#include "types.h"
/* CU 3 of the many-CU object: the shared types again, and one struct of its own. */
struct later_t;
struct own_3 { int own_3; char pad_3[3]; struct later_t *later; };
struct own_3 g_own_3;
struct proc_t g_proc_3;
int fn_3(struct own_3 *o) { int local[3]; local[0] = o->own_3; return local[0] + 3; }
