import { UsageError } from "../../base/errors.js";
import { loadReaperInput, pidinfoFlagNames, REAPER_LIMITS, renderDot, renderTree, statusExFlagNames, statusFlagNames, treeJson, } from "../../analysis/reaper/index.js";
import { PROCCTL_ERRNO_NAMES } from "../../kernel/procctl.js";
import { EXIT_ERROR } from "../exit.js";
import { printJson } from "../output.js";
const LIMITS_EPILOGUE = [
    'Input: a records file (raw kern.proc.* bytes, e.g. `sysctl -b kern.proc.all` or `kvmkit sysctl -o`, or a process core),',
    'a scenario JSON (its live kern.proc.all, revision fbsd15-reaper), or a crash dump with --kernel (read through src/kvm).',
    'The records must carry ki_reaper/ki_reapsubtree (layout revision fbsd15-reaper); older revisions give an error.',
    '',
    'Limits of a rebuild from records (spec §5.4):',
    ...REAPER_LIMITS.map((l, i) => `  ${i + 1}. ${l}`),
].join('\n');
function common(y) {
    return y
        .positional('input', { type: 'string', demandOption: true, describe: 'records file, process core, scenario JSON, or crash dump (with --kernel)' })
        .option('json', { type: 'boolean', default: false, describe: 'print JSON' })
        .option('arch', { type: 'string', describe: 'scenario: the arch to simulate (default amd64); records file: pin the layout\'s arch' })
        .option('rev', { type: 'string', describe: 'records file: pin the layout revision; scenario: live-path revision (default fbsd15-reaper)' })
        .option('struct', { type: 'string', describe: 'records file: pin the struct (kinfo_proc, kinfo_proc32)' })
        .option('kernel', { type: 'string', describe: 'the kernel ELF: <input> is a crash dump (vmcore) read through the kvm walker' })
        .option('jail', { type: 'number', describe: 'scenario: the caller runs in this jail (records filtered by p_cansee — limitation 3)' })
        .option('uid', { type: 'number', describe: 'scenario: the caller\'s uid' })
        .option('compat32', { type: 'boolean', default: false, describe: 'scenario: a 32-bit caller (kinfo_proc32 records)' })
        .epilogue(LIMITS_EPILOGUE);
}
function pidOpt(y) {
    return y.option('pid', { type: 'number', demandOption: true, describe: 'the procctl target (P_PID id); 0, the caller, cannot be named from records' });
}
async function load(a) {
    return loadReaperInput(a.input, { arch: a.arch, rev: a.rev, struct: a.struct, kernel: a.kernel, jail: a.jail, uid: a.uid, compat32: a.compat32 });
}
/** An errno answer: print it (JSON or text) and set the error exit bit. */
function failed(a, what, pid, ans) {
    if (ans.error === 0)
        return false;
    const name = PROCCTL_ERRNO_NAMES[ans.error] ?? String(ans.error);
    const reason = 'reason' in ans ? ans.reason : undefined;
    if (a.json)
        printJson({ pid, error: name, errno: ans.error, reason });
    else
        process.stderr.write(`kvmkit: ${what} on pid ${pid}: ${name}${reason ? ` (${reason})` : ''}\n`);
    process.exitCode = EXIT_ERROR;
    return true;
}
const tree = {
    command: 'tree <input>',
    describe: 'The reaper hierarchy: each reaper with its subtrees and members (--json, --dot for Graphviz)',
    builder: (y) => common(y)
        .option('dot', { type: 'boolean', default: false, describe: 'Graphviz dot: one cluster per (reaper, subtree)' })
        .option('max', { type: 'number', describe: 'text: list at most this many members per subtree' })
        .example('$0 reaper tree dumps/scenarios/reaper-service.json', 'the simulated service supervisor\'s reapers')
        .example('$0 reaper tree kern.proc.all.bin --dot | dot -Tsvg > reapers.svg', 'from `sysctl -b kern.proc.all` bytes, as a picture')
        .example('$0 reaper tree s.json --jail 1 --json', 'what a jailed viewer can rebuild'),
    handler: async (a) => {
        if (a.json && a.dot)
            throw new UsageError('--json and --dot exclude each other', { field: 'dot' });
        const { view } = await load(a);
        if (a.json)
            printJson(treeJson(view));
        else if (a.dot)
            process.stdout.write(renderDot(view));
        else
            process.stdout.write(`${renderTree(view, { maxMembers: a.max })}\n`);
    },
};
const status = {
    command: 'status <input>',
    describe: 'What PROC_REAP_STATUS (and the fork\'s PROC_REAP_STATUS_EX) would return for --pid',
    builder: (y) => pidOpt(common(y))
        .example('$0 reaper status dumps/scenarios/reaper-service.json --pid 522', 'the reaper of httpd 522 and its counts'),
    handler: async (a) => {
        const { view } = await load(a);
        const s = view.status(a.pid);
        if (failed(a, 'REAP_STATUS', a.pid, s))
            return;
        const x = view.statusEx(a.pid);
        const v = s.value;
        if (a.json) {
            printJson({ pid: a.pid, status: { ...v, rs_flags_names: statusFlagNames(v.rs_flags) }, status_ex: x.value ? { ...x.value, rsx_flags_names: statusExFlagNames(x.value.rsx_flags) } : undefined });
            return;
        }
        const lines = [
            `REAP_STATUS for pid ${a.pid}`,
            `  rs_flags        ${v.rs_flags} ${statusFlagNames(v.rs_flags).join('|') || '-'}`,
            `  rs_reaper       ${v.rs_reaper}`,
            `  rs_children     ${v.rs_children}`,
            `  rs_descendants  ${v.rs_descendants}`,
            `  rs_pid          ${v.rs_pid}${v.rs_pid === -1 ? ' (empty reap list)' : v.rs_pid_exact ? ` (exact: only candidate in the ${v.rs_pid_from === 'children' ? 'children list' : 'reap list'})` : ` (approximated: newest of the ${v.rs_pid_from === 'children' ? 'reaper\'s children' : 'reap list'} by ki_start)`}`,
        ];
        if (x.value) {
            const e = x.value;
            lines.push(`REAP_STATUS_EX (fork)`, `  rsx_flags       ${e.rsx_flags} ${statusExFlagNames(e.rsx_flags).join('|') || '-'}`, `  rsx_reaper      ${e.rsx_reaper}`, `  rsx_subtree     ${e.rsx_subtree}`, `  rsx_realparent  ${e.rsx_realparent}`);
        }
        process.stdout.write(lines.join('\n') + '\n');
    },
};
const getpids = {
    command: 'getpids <input>',
    describe: 'What PROC_REAP_GETPIDS would return for --pid: the reap list of its reaper',
    builder: (y) => pidOpt(common(y))
        .option('count', { type: 'number', describe: 'rp_count: at most this many entries' })
        .example('$0 reaper getpids dumps/scenarios/reaper-service.json --pid 520', 'members of reaper 520 with subtree ids and flags'),
    handler: async (a) => {
        const { view } = await load(a);
        const g = view.getpids(a.pid, a.count ?? Number.POSITIVE_INFINITY);
        if (failed(a, 'REAP_GETPIDS', a.pid, g))
            return;
        const v = g.value;
        if (a.json) {
            printJson({ pid: a.pid, reaper: v.reaper, order_exact: v.order_exact, pids: v.pids.map((x) => ({ ...x, pi_flags_names: pidinfoFlagNames(x.pi_flags) })) });
            return;
        }
        const lines = [`REAP_GETPIDS for pid ${a.pid}: reaper ${v.reaper}, ${v.pids.length} entr${v.pids.length === 1 ? 'y' : 'ies'}${v.order_exact ? '' : ' (order approximated: newest ki_start first)'}`, '     pid  subtree  flags'];
        for (const x of v.pids)
            lines.push(`${String(x.pi_pid).padStart(8)} ${String(x.pi_subtree).padStart(8)}  ${pidinfoFlagNames(x.pi_flags).join('|')}  ${view.procs.get(x.pi_pid)?.comm ?? ''}`);
        process.stdout.write(lines.join('\n') + '\n');
    },
};
const kill = {
    command: 'kill <input>',
    describe: 'Which processes PROC_REAP_KILL on --pid would signal (nothing is signalled)',
    builder: (y) => pidOpt(common(y))
        .option('children', { type: 'boolean', default: false, describe: 'REAPER_KILL_CHILDREN: only the reaper\'s direct children (its p_children list)' })
        .option('subtree', { type: 'number', describe: 'REAPER_KILL_SUBTREE: only this subtree id at the first level' })
        .option('sig', { type: 'number', default: 15, describe: 'rk_sig (checked: 1 … 128)' })
        .example('$0 reaper kill dumps/scenarios/reaper-service.json --pid 500', 'everything under supervisor 500, nested reapers included')
        .example('$0 reaper kill s.json --pid 520 --subtree 540', 'one subtree of reaper 520')
        .example('$0 reaper kill s.json --pid 520 --children --json', 'the direct children only'),
    handler: async (a) => {
        if (a.children && a.subtree !== undefined)
            throw new UsageError('--children and --subtree exclude each other (the kernel returns EINVAL for both flags)', { field: 'subtree' });
        const { view } = await load(a);
        const k = view.kill(a.pid, { children: a.children, subtree: a.subtree, sig: a.sig });
        if (failed(a, 'REAP_KILL', a.pid, k))
            return;
        const v = k.value;
        if (a.json) {
            printJson({ pid: a.pid, ...v, assumingPermitted: { ...v.assumingPermitted, error: v.assumingPermitted.error ? PROCCTL_ERRNO_NAMES[v.assumingPermitted.error] : 0 } });
            return;
        }
        const mode = v.mode === 'children' ? 'its direct children' : v.mode === 'subtree' ? `subtree ${v.subtree}` : 'its whole subtree';
        const lines = [`REAP_KILL for pid ${a.pid}: reaper ${v.reaper}, ${mode}: ${v.targets.length} process${v.targets.length === 1 ? '' : 'es'} would be signalled`];
        if (v.walked.length)
            lines.push(`  reapers walked: ${v.walked.join(' ')}`);
        for (const t of v.targets)
            lines.push(`  ${String(t).padStart(6)} ${view.procs.get(t)?.comm ?? ''}`);
        const ap = v.assumingPermitted;
        lines.push(`  if every signal is permitted: rk_killed ${ap.rk_killed}, rk_fpid ${ap.rk_fpid}, return ${ap.error ? PROCCTL_ERRNO_NAMES[ap.error] : 0}${v.mode === 'children' ? ' (the kernel\'s children mode keeps its initial ESRCH)' : ''}`);
        process.stdout.write(lines.join('\n') + '\n');
    },
};
export const command = {
    command: 'reaper <action>',
    describe: 'Rebuild the reaper hierarchy from kinfo_proc records (ki_reaper/ki_reapsubtree) and answer REAP_STATUS / GETPIDS / KILL',
    builder: (y) => y
        .command(tree)
        .command(status)
        .command(getpids)
        .command(kill)
        .demandCommand(1, 'Name an action: tree, status, getpids or kill.')
        .epilogue(LIMITS_EPILOGUE),
    handler: () => { },
};
