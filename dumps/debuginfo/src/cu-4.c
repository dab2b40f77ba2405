#include "types.h"
/* CU 4 of the many-CU object: the shared types again, and one struct of its own. */
struct later_t;
struct own_4 { int own_4; char pad_4[4]; struct later_t *later; };
struct own_4 g_own_4;
struct proc_t g_proc_4;
int fn_4(struct own_4 *o) { int local[4]; local[0] = o->own_4; return local[0] + 4; }
