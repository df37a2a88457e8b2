#!/usr/bin/env bash
# Builds the host and the built-in plugins into an install tree under out/ (nothing system-wide):
#   out/bin/osbuild                      the host: one NativeAOT binary (no .NET runtime needed)
#   out/lib/osbuild/osbuild-builtin      every built-in plugin, one NativeAOT multi-call binary (libc only)
#   out/lib/osbuild/<kind>/<name>        symlink to it, named after the plugin; <name>.meta.json beside it
#   out/lib/osbuild/osbuild-assembly-source/   runs .NET assembly sources (framework-dependent: the
#                                        .NET runtime is needed only by users of such sources)
#   out/share/osbuild/templates          the templates of `osbuild new`
# out/lib/osbuild is the default --libdir of out/bin/osbuild. Safe to rerun.
# ./build.sh --deb also makes the Debian packages from out/ (packaging/build-deb.sh and
# packaging/build-service-deb.sh: out/osbuild-engine_*.deb, out/osbuild-service_*.deb).
set -euo pipefail
cd "$(dirname "$0")"
configuration=${CONFIGURATION:-Release}
deb=false
for argument in "$@"; do
    case $argument in
        --deb) deb=true ;;
        *) echo "build.sh: unknown argument $argument (known: --deb)" >&2; exit 2 ;;
    esac
done
if ! command -v dotnet >/dev/null 2>&1; then
    # Under sudo, PATH is sudo's secure_path, which does not hold an SDK installed in a home directory.
    echo "build.sh: dotnet is not on PATH ($PATH): install the .NET 10 SDK system-wide (apt, or a link in /usr/local/bin)" >&2
    exit 1
fi
out=$PWD/out
lib=$out/lib/osbuild
# The commit `osbuild --version` names, "-dirty" when tracked files differ from it; a tree
# without git (a tarball) says "unknown".
commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
if [ "$commit" != unknown ] && ! git diff --quiet HEAD -- 2>/dev/null; then
    commit=$commit-dirty
fi

# Layouts of earlier builds: a managed host in libexec/, the front end's own intermediate tree.
rm -rf "$out/libexec" "$out/frontend-build" "$out/frontend-publish"
dotnet publish src/Host/Engine.Host.csproj -c "$configuration" -o "$out/host-publish" --nologo -v quiet -p:SourceRevisionId="$commit"
mkdir -p "$out/bin"
install -m 0755 "$out/host-publish/osbuild" "$out/bin/osbuild.new"
mv -f "$out/bin/osbuild.new" "$out/bin/osbuild"
rm -rf "$out/share/osbuild/templates" && mkdir -p "$out/share/osbuild" && cp -R templates "$out/share/osbuild/templates"  # for `osbuild new`
dotnet publish plugins/Engine.Plugins.csproj -c "$configuration" -o "$out/plugins-publish" --nologo -v quiet -p:SourceRevisionId="$commit"

mkdir -p "$lib"
rm -rf "$lib/osbuild-assembly-source"
dotnet publish src/AssemblySource/Engine.AssemblySource.csproj -c "$configuration" -o "$lib/osbuild-assembly-source" --nologo -v quiet -p:SourceRevisionId="$commit"
install -m 0755 "$out/plugins-publish/osbuild-builtin" "$lib/osbuild-builtin.new"
mv -f "$lib/osbuild-builtin.new" "$lib/osbuild-builtin"
for kind in stages sources runners assemblers; do
    rm -rf "$lib/$kind"
    mkdir -p "$lib/$kind"
done

# The binary knows which plugins it contains; each gets a link named after it and its meta file.
"$lib/osbuild-builtin" --list | while IFS=$'\t' read -r kind name; do
    ln -s ../osbuild-builtin "$lib/$kind/$name"
    meta=plugins/$kind/$name/$name.meta.json
    if [ -f "$meta" ]; then
        install -m 0644 "$meta" "$lib/$kind/$name.meta.json"
    else
        echo "warning: $meta is missing; $name's options will not be validated" >&2
    fi
done
echo "built: $out/bin/osbuild (plugins in $lib: $("$lib/osbuild-builtin" --list | wc -l))"
if "$deb"; then
    packaging/build-deb.sh
    packaging/build-service-deb.sh
fi
