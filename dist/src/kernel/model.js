/** The long counters of struct rusage in declaration order; ru_ixrss … ru_nivcsw are "ru_first … ru_last". */
export const RU_COUNTERS = ['ru_maxrss', 'ru_ixrss', 'ru_idrss', 'ru_isrss', 'ru_minflt', 'ru_majflt', 'ru_nswap', 'ru_inblock', 'ru_oublock', 'ru_msgsnd', 'ru_msgrcv', 'ru_nsignals', 'ru_nvcsw', 'ru_nivcsw'];
export function zeroTimeval() {
    return { sec: 0n, usec: 0n };
}
export function zeroRusage() {
    const r = { ru_utime: zeroTimeval(), ru_stime: zeroTimeval() };
    for (const k of RU_COUNTERS)
        r[k] = 0n;
    return r;
}
export function zeroRux() {
    return { rux_runtime: 0n, rux_uticks: 0n, rux_sticks: 0n, rux_iticks: 0n, rux_uu: 0n, rux_su: 0n, rux_tu: 0n };
}
export function emptySigset() {
    return [0, 0, 0, 0];
}
/** jailed(cred): the credential's prison is not prison0. */
export function jailed(model, cred) {
    return cred.cr_prison !== model.prison0;
}
export function procName(p) {
    return `proc ${p.p_pid} (${p.p_comm})`;
}
