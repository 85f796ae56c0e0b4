/** usage is the help text of wubot, the runtime's command line. */
export const usage = `usage: wubot <command> [options]

  reactor [--home DIR] [--hostname H]
      run this host's rule tree (config/reactor.yaml.<host>, else config/reactor.yaml)
      over its reactor queue (<home>/reactor); SIGHUP or a changed config reloads it
  queue push <dir>      append JSON Lines from stdin to a queue directory
  queue dump <dir>      print every stored message as JSON Lines, with its id and state
  queue stats <dir>     counts of pending, acknowledged, rejected and dead messages

--home defaults to $WUBOT_HOME, else ~/wubot; --hostname to the short host name.
The monitor and the XMPP link are not in this version yet.
`;
