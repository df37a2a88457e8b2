// The Host it measures needs Linux (namespaces, bind mounts, loop devices).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
