namespace Engine.Host.Cli;

/// <summary>
/// osbuild (argparse) accepts any unique prefix of a long option (<c>--sto</c> for <c>--store</c>);
/// System.CommandLine does not, so prefixes are expanded before parsing.
/// </summary>
internal static class OptionAbbreviations
{
    public static string[] Expand(string[] args, IReadOnlyCollection<string> longOptions)
    {
        var result = new string[args.Length];
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (arg == "--")
            {
                Array.Copy(args, i, result, i, args.Length - i);
                break;
            }

            result[i] = arg;
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length < 3)
            {
                continue;
            }

            int equals = arg.IndexOf('=', StringComparison.Ordinal);
            string name = equals >= 0 ? arg[..equals] : arg;
            if (longOptions.Contains(name))
            {
                continue;
            }

            var matches = longOptions.Where(o => o.StartsWith(name, StringComparison.Ordinal)).ToList();
            if (matches.Count == 1)
            {
                result[i] = matches[0] + (equals >= 0 ? arg[equals..] : "");
            }
        }

        return result;
    }
}
