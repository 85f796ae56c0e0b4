/** usage is the help text of wubotc. */
export const usage = `usage: wubotc <command> [options]

  compile <file|config-root> [--out DIR] [--no-optimize] [--check]
      compile rule trees to TypeScript modules; a file without --out prints to stdout;
      --check type-checks the modules against this wubot's pipeline types
  lint <paths…> [--format text|json]
      report diagnostics; exit 1 when there are errors
  run <rules.yaml> [--input FILE] [--hostname H] [--no-optimize]
      run a rule tree over JSON Lines (stdin by default), one output line per input line
  lsp
      a language server on stdio: lint's diagnostics as you type, plugin docs on hover
  schema [--out DIR]
      JSON Schemas for editors: rule files (stdout), and with --out every monitor plugin's instance files
  check-loops <config-root> [--hosts a,b,c] [--home DIR] [--format text|json|dot]
  check-loops <host>=<config-root> … 
      find routing loops across hosts before they happen; exit 1 when a loop is certain

Exit status: 0 clean or warnings only, 1 errors, 2 usage.
`;
