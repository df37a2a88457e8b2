// org.osbuild.noop as an assembler (plugins.md 2.1) is served by the stage's entry in
// plugins/stages/org.osbuild.noop: the multi-call executable dispatches on the file name, and
// stages/org.osbuild.noop and assemblers/org.osbuild.noop have the same one, so one name can
// have only one entry. Both print `Not doing anything with these options: <json>` and write
// nothing (the assembler's output_dir stays empty), so the shared entry is exact for both.
// Registering a second entry here would make the registry throw at start-up (duplicate name).
