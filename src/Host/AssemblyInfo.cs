// The engine needs Linux: namespaces, bind mounts, loop devices, bubblewrap.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
