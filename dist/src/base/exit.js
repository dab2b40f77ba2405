/**
 * Exit status bits, shaped like libabigail's abidiff: callers test bits, not values.
 * 0 = success / no change.
 */
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;
export const EXIT_CHANGES = 4;
export const EXIT_INCOMPATIBLE = 8;
