#!/usr/bin/env bash
# Makes out/osbuild-service_<version>_amd64.deb: the build service (src/Service, docs/service.md),
# framework-dependent on the ASP.NET Core 10 runtime (Hangfire generates code at run time, so no
# NativeAOT), with dpkg-deb alone:
#   /usr/lib/osbuild-service/             the published program; /usr/bin/osbuild-service links to it
#   /lib/systemd/system/osbuild-service-api.service, osbuild-service-worker@.service
#   /etc/osbuild-service/osbuild-service.conf   the units' settings (a conffile); the database is
#                                          named there by the administrator, never created
#   postinst: the system user osbuild-service (the API runs as it) and its folders; no unit is
#   enabled before the database is configured.
# The version is osbuild's (Directory.Build.props); the service's workers run osbuild-engine.
set -euo pipefail
cd "$(dirname "$0")/.."
. packaging/common.sh
out=$PWD/out
osbuild=$out/bin/osbuild
if [ ! -x "$osbuild" ]; then
    echo "build-service-deb.sh: $osbuild is missing; run ./build.sh first (the package takes its version from it)" >&2
    exit 1
fi

package=osbuild-service
upstream=$("$osbuild" --version | awk '{print $2}')
version=$upstream-1
commit=$("$osbuild" --version | sed -n 's/.*(commit \(.*\))$/\1/p')
publish=$out/service-publish
rm -rf --one-file-system "$publish"
# For linux-x64 only (no other architectures' native assets in an amd64 package); its own
# intermediate tree, so the RID-specific restore does not touch the one of ./build.sh and the tests.
dotnet publish src/Service/Engine.Service.csproj -c "${CONFIGURATION:-Release}" -r linux-x64 --self-contained false \
    --artifacts-path "$out/service-build" -o "$publish" --nologo -v quiet -p:SourceRevisionId="$commit"

root=$out/deb/$package
rm -rf --one-file-system "$root"
umask 022
install -d "$root/DEBIAN" "$root/usr/bin" "$root/usr/lib/$package" "$root/lib/systemd/system" \
    "$root/etc/$package" "$root/usr/share/doc/$package" "$root/usr/share/lintian/overrides"
cp -R "$publish/." "$root/usr/lib/$package/"
find "$root/usr/lib/$package" \( -name '*.pdb' -o -name '*.xml' -o -name '*.dbg' \) -delete
find "$root/usr/lib/$package" -type f -exec chmod 0644 {} +
chmod 0755 "$root/usr/lib/$package/osbuild-service"
ln -s ../lib/$package/osbuild-service "$root/usr/bin/osbuild-service"
install -m 0644 packaging/service/osbuild-service-api.service packaging/service/osbuild-service-worker@.service "$root/lib/systemd/system/"
install -m 0644 packaging/service/osbuild-service.conf "$root/etc/$package/osbuild-service.conf"
install -m 0755 packaging/service/postinst packaging/service/postrm "$root/DEBIAN/"
printf '/etc/%s/osbuild-service.conf\n' "$package" > "$root/DEBIAN/conffiles"

doc=$root/usr/share/doc/$package
install -m 0644 packaging/copyright "$doc/copyright"
install -m 0644 docs/service.md "$doc/service.md"
debian_changelog "$doc"
install -m 0644 packaging/service/lintian-overrides "$root/usr/share/lintian/overrides/$package"

shlibs=$(shlib_depends "$root/usr/lib/$package/osbuild-service")
debian_control <<CONTROL
Depends: aspnetcore-runtime-10.0, osbuild-engine (= $version), adduser, $shlibs
Suggests: postgresql
Section: admin
Priority: optional
Description: build service for osbuild-engine: HTTP API, queue and workers
 Clients submit osbuild manifests over HTTP; workers take them from a
 queue shared through PostgreSQL (Hangfire), run the installed osbuild on
 each and send back the log, the progress and the artifacts.
 .
 systemd units: osbuild-service-api.service (runs as the system user
 osbuild-service) and osbuild-service-worker@QUEUE.service (as root, for
 builds). Both read /etc/osbuild-service/osbuild-service.conf, where the
 administrator names the PostgreSQL database; the package creates none and
 enables no unit.
 .
 Needs the ASP.NET Core 10 runtime (aspnetcore-runtime-10.0, from
 Microsoft's package repository or the distribution).
CONTROL
chmod 0644 "$root/DEBIAN/conffiles"
build_deb usr lib
