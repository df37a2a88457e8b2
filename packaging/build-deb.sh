#!/usr/bin/env bash
# Makes out/osbuild-engine_<version>_amd64.deb from the install tree of ./build.sh (out/), with
# dpkg-deb alone (no debhelper, no debian/ source tree): run ./build.sh first, or ./build.sh --deb.
#   /usr/bin/osbuild                       the host (NativeAOT)
#   /usr/lib/osbuild/                      the built-in plugins: the host's default libdir when it
#                                          is installed as /usr/bin/osbuild (same shape as out/)
#   /usr/share/osbuild/templates           the templates of `osbuild new`
#   /usr/share/man/man1/osbuild.1.gz       `osbuild --man`: rendered from the --help definitions
#   /usr/share/bash-completion/completions/osbuild   `osbuild --bash-completion`, idem
#   /usr/share/doc/osbuild-engine/         copyright (DEP-5), changelog.Debian.gz, README, docs
# The version is the one `osbuild --version` prints (Directory.Build.props), Debian revision 1.
# Packages the plugins need only sometimes are Suggests, read from the meta files' "requires".
set -euo pipefail
cd "$(dirname "$0")/.."
. packaging/common.sh
out=$PWD/out
osbuild=$out/bin/osbuild
if [ ! -x "$osbuild" ] || [ ! -x "$out/lib/osbuild/osbuild-builtin" ]; then
    echo "build-deb.sh: $osbuild or $out/lib/osbuild is missing; run ./build.sh first" >&2
    exit 1
fi
for tool in dpkg-deb dpkg-shlibdeps gzip; do
    command -v "$tool" >/dev/null || { echo "build-deb.sh: $tool is missing: apt-get install dpkg-dev" >&2; exit 1; }
done

package=osbuild-engine
upstream=$("$osbuild" --version | awk '{print $2}')
version=$upstream-1
commit=$("$osbuild" --version | sed -n 's/.*(commit \(.*\))$/\1/p')
root=$out/deb/$package
rm -rf --one-file-system "$root"
umask 022
install -d "$root/DEBIAN" "$root/usr/bin" "$root/usr/lib" "$root/usr/share/osbuild" \
    "$root/usr/share/man/man1" "$root/usr/share/bash-completion/completions" \
    "$root/usr/share/doc/$package" "$root/usr/share/lintian/overrides"

install -m 0755 "$osbuild" "$root/usr/bin/osbuild"
# The plugin tree as build.sh made it (relative links to osbuild-builtin), minus debugging files.
cp -R --no-preserve=ownership "$out/lib/osbuild" "$root/usr/lib/osbuild"
find "$root/usr/lib/osbuild" \( -name '*.pdb' -o -name '*.xml' -o -name '*.dbg' \) -delete
find "$root/usr/lib/osbuild" -type f -exec chmod 0644 {} +
chmod 0755 "$root/usr/lib/osbuild/osbuild-builtin" "$root/usr/lib/osbuild/osbuild-assembly-source/osbuild-assembly-source"
cp -R "$out/share/osbuild/templates" "$root/usr/share/osbuild/templates"
find "$root/usr/share/osbuild" -type f -exec chmod 0644 {} +

"$osbuild" --man | gzip -9n > "$root/usr/share/man/man1/osbuild.1.gz"
"$osbuild" --bash-completion > "$root/usr/share/bash-completion/completions/osbuild"
chmod 0644 "$root/usr/share/bash-completion/completions/osbuild"

doc=$root/usr/share/doc/$package
install -m 0644 packaging/copyright "$doc/copyright"
install -m 0644 README.md "$doc/README.md"
install -d "$doc/docs"
install -m 0644 docs/*.md "$doc/docs/"
debian_changelog "$doc"
install -m 0644 packaging/lintian-overrides "$root/usr/share/lintian/overrides/$package"

# Depends: the shared libraries of our ELF files (as dpkg-shlibdeps computes them), bubblewrap, and
# OpenSSL, which the .NET libraries load at run time (hashes, TLS; dlopen, so dpkg-shlibdeps cannot
# see it: without it `osbuild --inspect` aborts with "No usable version of libssl was found").
shlibs=$(shlib_depends "$root/usr/bin/osbuild" "$root/usr/lib/osbuild/osbuild-builtin" "$root/usr/lib/osbuild/osbuild-assembly-source/osbuild-assembly-source")
# Recommends: what the sample Debian image (samples/) needs besides Depends; Suggests: every other
# package a plugin's meta file names in "requires" (tar, coreutils, mount, passwd,
# libc-bin: on every Debian system, left out).
recommends=(mmdebstrap apt-utils debootstrap e2fsprogs fdisk qemu-utils grub-pc-bin grub-common)
mapfile -t required < <(cat "$root"/usr/lib/osbuild/*/*.meta.json | grep -o '"package": *"[^"]*"' | sed 's/.*"\([^"]*\)"$/\1/' | sort -u)
suggests=()
for name in "${required[@]}"; do
    case " ${recommends[*]} coreutils tar gzip mount passwd libc-bin " in *" $name "*) continue ;; esac
    # Not in Debian 12 (org.osbuild.yum runs in a Fedora or RHEL build root).
    [ "$name" = yum ] && continue
    suggests+=("$name")
done
suggests+=("dotnet-runtime-10.0")
join() { local IFS=,; echo "$*" | sed 's/,/, /g'; }

debian_control <<CONTROL
Depends: bubblewrap, libssl3 | libssl3t64, $shlibs
Recommends: $(join "${recommends[@]}")
Suggests: $(join "${suggests[@]}")
Section: admin
Priority: optional
Description: build operating system images from pipeline manifests
 An osbuild-compatible image builder: a manifest lists stages that each
 change a filesystem tree and an assembler that turns the tree into an
 image (tar archive, raw filesystem, partitioned qcow2 or raw disk). Every
 stage runs in a bubblewrap container. The host is one native binary; the
 built-in plugins are installed in /usr/lib/osbuild.
 .
 The programs a plugin runs (debootstrap, mkfs.ext4, qemu-img, ...) are
 Recommends or Suggests: \`osbuild plugins describe NAME\` lists them with
 their packages, and a build that misses one stops before it starts,
 naming the package to install.
 .
 Sources written as .NET assemblies need the .NET runtime
 (dotnet-runtime-10.0); nothing else in this package does.
CONTROL
build_deb usr
