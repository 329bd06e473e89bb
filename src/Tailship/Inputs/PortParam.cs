using Tailship.Config;

namespace Tailship.Inputs;

/// <summary>The check shared by sources that listen on a TCP port.</summary>
internal static class PortParam
{
    /// <summary>True when the port is 0 (any free port) to 65535; otherwise adds an error.</summary>
    public static bool Check(SectionConfig cfg, string name, DiagnosticBag diagnostics)
    {
        var port = cfg.GetInt(name);
        if (port is >= 0 and <= 65535)
        {
            return true;
        }

        diagnostics.Error(cfg.LocationOf(name), $"parameter '{name}' must be a TCP port between 0 and 65535, found {port}", cfg.Source);
        return false;
    }
}
