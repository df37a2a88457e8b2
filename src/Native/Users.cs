using Tmds.Linux;

namespace Engine.Native;

/// <summary>Who this process runs as.</summary>
public static class Users
{
    /// <summary>The effective user id (<c>geteuid</c>, which cannot fail).</summary>
    public static uint EffectiveUserId => LibC.geteuid();

    /// <summary>Running as root (effective uid 0).</summary>
    public static bool IsRoot => EffectiveUserId == 0;
}
