# Steps both package scripts share (sourced by build-deb.sh and build-service-deb.sh, which set
# $package, $version, $commit and $root first).

# debian_changelog DOC-DIR: changelog.Debian.gz naming the commit, signed by the maintainer
# (DEBFULLNAME/DEBEMAIL as for Debian's own tools, else the author of the last commit); sets
# $maintainer for the control file.
debian_changelog() {
    local doc=$1 date
    date=$(git log -1 --format=%aD 2>/dev/null || date -R)
    maintainer=${DEBFULLNAME:+$DEBFULLNAME <${DEBEMAIL:-}>}
    maintainer=${maintainer:-$(git log -1 --format='%an <%ae>' 2>/dev/null || true)}
    if [ -z "$maintainer" ]; then
        echo "$(basename "$0"): set DEBFULLNAME and DEBEMAIL (the package's maintainer); there is no git history to take them from" >&2
        exit 1
    fi
    {
        echo "$package ($version) unstable; urgency=medium"
        echo
        echo "  * Built from commit $commit."
        echo
        echo " -- $maintainer  $date"
    } | gzip -9n > "$doc/changelog.Debian.gz"
}

# debian_control: DEBIAN/control of $root: the fields every package of ours has (name, version,
# architecture, $maintainer from debian_changelog, the installed size of what is under $root so
# far), then the package's own fields from stdin (Depends, ..., Description).
debian_control() {
    local installed_size
    installed_size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
    {
        echo "Package: $package"
        echo "Version: $version"
        echo "Architecture: amd64"
        echo "Maintainer: $maintainer"
        echo "Installed-Size: $installed_size"
        cat
    } > "$root/DEBIAN/control"
}

# shlib_depends ELF...: the Depends of these files' shared libraries, as dpkg-shlibdeps computes them.
shlib_depends() {
    local scratch arguments=()
    scratch=$(mktemp -d)
    mkdir "$scratch/debian"
    printf 'Source: %s\n\nPackage: %s\nArchitecture: amd64\n' "$package" "$package" > "$scratch/debian/control"
    for file in "$@"; do arguments+=(-e "$file"); done
    (cd "$scratch" && dpkg-shlibdeps -O "${arguments[@]}" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
    rm -rf --one-file-system "$scratch"
}

# build_deb DIR...: md5sums of the files under DIR... of $root, modes, and the .deb in out/
# (reproducible: file times from the last commit); prints its path.
build_deb() {
    (cd "$root" && find "$@" -type f -print0 | sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
    chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"
    find "$root" -type d -exec chmod 0755 {} +
    deb=$out/${package}_${version}_amd64.deb
    SOURCE_DATE_EPOCH=$(git log -1 --format=%ct 2>/dev/null || date +%s) dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
    echo "built: $deb"
}
