using System.CommandLine;
using Engine.Service.Cli;

// The generic host handles SIGTERM and SIGINT itself (a worker then stops its builds and reports
// them), so the command line must not end the process on its own.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = null };
return await CommandLine.Build().Parse(args).InvokeAsync(invocation, CancellationToken.None);
