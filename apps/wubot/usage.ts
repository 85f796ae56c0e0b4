/** usage is the help text of wubot, the runtime's command line. */
export const usage = `usage: wubot <command> [options]

  monitor [--home DIR] [--hostname H]
      run this host's monitor instances (config/plugins/<Plugin>/<name>.yaml[.<host>])
      on their schedules, queueing their messages for the reactor
  reactor [--home DIR] [--hostname H] [--budget MS]
      run this host's rule tree (config/reactor.yaml.<host>, else config/reactor.yaml)
      over its reactor queue (<home>/reactor); SIGHUP or a changed config reloads it;
      a message whose rules run longer than the budget (default 1000 ms) is dead-lettered
  webui [--port P] [--listen ADDR]
      serve the notifications inbox, graphs and host network in a browser, on
      127.0.0.1:8470 unless config/webui.yaml says otherwise (another address needs its token)
  check <Plugin> <instance>
                        run one check of one instance once and print its messages
  config show           what this host loads (reactor rules, monitor instances) and from which files
  config export --hostname H <dir>
                        copy the part of the config tree host H loads (no other host's files)
  queue push <dir>      append JSON Lines from stdin to a queue directory
  queue dump <dir>      print every stored message as JSON Lines, with its id and state
  queue stats <dir>     counts of pending, acknowledged, rejected and dead messages

--home defaults to $WUBOT_HOME, else ~/wubot; --hostname to the short host name.
Hosts talk to each other through XMPP monitor instances (config/plugins/XMPP/).
`;
