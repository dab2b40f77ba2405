export const ABI_STRUCTS = ['kinfo_proc', 'kinfo_proc32'];
export const SEVERITY_RANK = { info: 0, compatible: 1, flagged: 2, incompatible: 3 };
