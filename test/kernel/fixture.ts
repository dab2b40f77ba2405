/**
 * The hand-checked system of the live-path unit tests. Every expected value in live.test.ts is
 * derived by hand from the rule (spec §2.4) and these inputs; the comments there show the arithmetic.
 * cpuTickFrequency is 1 MHz so cpu ticks are microseconds.
 */
export const T = {
  name: 'unit',
  system: { hz: 1000, ticks: 100000, boottime: '1700000000.900000', cpuTickFrequency: 1000000, maxproc: 256 },
  jails: [{ jid: 1, name: 'outer', parent: 0 }, { jid: 2, name: 'inner', parent: 1 }],
  ttys: [{ name: 'pts/0', udev: 139 }, { name: 'pts/9', nodev: true }],
  steps: [
    { fork: { pid: 1, parent: 0, comm: 'init', emul: 'FreeBSD ELF64', start: 0.5, setsid: true, vm: { size: 4096 }, threads: [{ tid: 100001 }] } },
    { fork: { pid: 65, parent: 1, comm: 'hashmate', start: 1, setsid: true, vm: { size: 4096 }, threads: [{ tid: 100065 }] } },
    { fork: { pid: 10, parent: 1, comm: 'sshd', start: 2, setsid: true, login: 'alice', ctty: 'pts/0', vm: { size: 4096 }, threads: [{ tid: 100010 }] } },
    {
      fork: {
        pid: 11, parent: 10, comm: 'sh', start: '50.999999', swtick: 40000, pgrp: 11, foreground: true,
        cred: { uid: 1001, ruid: 1002, svuid: 1003, gid: 20, rgid: 21, svgid: 22, groups: [0, 5], capmode: true, class: 'staff' },
        vm: { size: 1048576, rss: 100, swrss: 3, tsize: 10, dsize: 20, ssize: 30 },
        nice: -5, fibnum: 2, acflag: 1, lock: 0x1ff, sigignore: [13], sigcatch: [1, 33], siglist: [2],
        cpu: { runtime: 3000000, uticks: 2, sticks: 1 }, children: { runtime: 1500000, uticks: 1, sticks: 2 },
        ru: { maxrss: 100, minflt: 10 },
        threads: [
          { tid: 100100, name: 'abcdefghijklmnopq', state: 'sleeping', wmesg: 'pause', wchan: 'self', pri: { class: 3, level: 152, native: 120, user: 130 },
            lastcpu: 300, oncpu: -1, flags: 0x10, pflags: 0x20, exterr: '0x1000', kstackPages: 4, slptick: 99000, cow: 5, sigmask: [3], siglist: [4],
            cpu: { runtime: 1000000, uticks: 1 }, pending: { runtime: 300000, uticks: 1 }, ru: { maxrss: 300, minflt: 5, nvcsw: 7 }, pctcpu: 100, estcpu: 2 },
          { tid: 100101, name: 'sh', state: 'lock', wmesg: 'io', lockname: 'umtx', lastcpu: 5, oncpu: -1, pflags: 0, kstackPages: 2, cow: 7,
            ru: { maxrss: 200, minflt: 1 }, pctcpu: 50, estcpu: 3, slptick: 100500 },
        ],
      },
    },
    { fork: { pid: 12, parent: 11, comm: 'zz', start: 60, vm: { size: 8192, rss: 2 }, threads: [{ tid: 100012, state: 'running' }] } },
    { exit: 12, status: 3 },
    { fork: { pid: 13, parent: 11, comm: 'jailed', start: 61, cred: { uid: 0, gid: 0, jail: 2 }, vm: { size: 4096 }, threads: [{ tid: 100013 }] } },
    { fork: { pid: 14, parent: 1, comm: 'tracee', start: 62, setsid: true, vm: { size: 4096 }, threads: [{ tid: 100014 }] } },
    { ptrace: 14, by: 11 },
    { fork: { pid: 15, parent: 1, comm: 'rsv', start: 63, setsid: true, reaper: true, vm: { size: 4096 }, threads: [{ tid: 100015 }] } },
    { fork: { pid: 16, parent: 15, comm: 'child', start: 64, vm: { size: '0x100001000' }, threads: [{ tid: 100016 }] } },
    { fork: { pid: 17, parent: 1, comm: 'nodevtty', start: 65, setsid: true, ctty: 'pts/9', vm: { size: 4096 }, threads: [{ tid: 100017 }] } },
  ],
};
