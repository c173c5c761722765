#!/bin/sh
# Makes lib/bulwark.aot of the distribution in $1: the JDK's ahead-of-time cache (JEP 483/514, JDK 25+) of every
# class a training run of representative commands (io.bulwark.cli.CdsTraining) loads and links, for the newest
# JDK 25 or later found (BULWARK_AOT_JAVA, else /usr/lib/jvm/*). lib/bulwark.aot.java names the java it belongs
# to: libexec/bulwark-jvm adds the cache whenever it runs that java (BULWARK_JAVA, or no JDK 17 installed). The
# flags here must be the launcher's (src/main/dist/bin/bulwark), or the JVM ignores the cache.
set -eu
dist="$1"
rm -f "$dist/lib/bulwark.aot" "$dist/lib/bulwark.aot.java"
feature() { # JAVA -> its feature release (25), from the JDK's release file
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$(dirname "$(dirname "$1")")/release" 2>/dev/null
}
java="${BULWARK_AOT_JAVA:-}"
if [ -z "$java" ]; then
  best=0
  for j in /usr/lib/jvm/*/bin/java; do
    [ -x "$j" ] || continue
    j=$(readlink -f "$j")
    v=$(feature "$j")
    if [ -n "$v" ] && [ "$v" -ge 25 ] && [ "$v" -gt "$best" ]; then
      best="$v"
      java="$j"
    fi
  done
fi
if [ -z "$java" ]; then
  echo "build-aot: no JDK 25 or later; the launcher uses JDK 17 with lib/bulwark.jsa" >&2
  exit 0
fi
"$java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djnr.ffi.asm.enabled=false -XX:-UsePerfData -Xss1m \
  --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  -XX:AOTCacheOutput="$dist/lib/bulwark.aot" -Xlog:aot=error -Xlog:cds=error \
  -Dbulwark.home="$dist" -cp "$dist/lib/*" io.bulwark.cli.CdsTraining > "$dist/../aot-training.log" 2>&1 || {
    tail -n 20 "$dist/../aot-training.log" >&2
    echo "build-aot: the training run failed (log: $dist/../aot-training.log)" >&2
    exit 1
  }
if [ -f "$dist/lib/bulwark.aot" ]; then
  echo "$java" > "$dist/lib/bulwark.aot.java"
else
  echo "build-aot: $java made no cache; the launcher uses JDK 17 with lib/bulwark.jsa" >&2
fi
