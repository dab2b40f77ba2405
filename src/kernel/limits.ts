/**
 * Work caps of the simulated kernel (not FreeBSD limits): in a module of their own so the CLI's flag
 * checks can name them without loading the simulator.
 */
/**
 * The most forks a random system (`image build --random-seed`, `--procs`) may ask for: 10000 forks
 * take about a minute and ~400 MB to generate and image; more is refused rather than run without bound.
 */
export const MAX_RANDOM_PROCESSES = 10000;
