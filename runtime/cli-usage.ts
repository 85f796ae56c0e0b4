/** usage is the help text of wubot, the runtime's command line. */
export const usage = `usage: wubot <command> [options]

The runtime (monitor, reactor, queues) is being built; this version has the compiler only.
Use wubotc to lint, compile and run rule trees:

  wubotc lint <paths…>
  wubotc run <rules.yaml> [--input FILE] [--hostname H]
`;
