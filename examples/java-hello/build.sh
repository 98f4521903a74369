#!/usr/bin/env bash
# Builds hello.jar (Main-Class: Hello) from src/Hello.java with javac and
# jar. The host runs a deployed .jar with `java -jar`.
#
# Usage: examples/java-hello/build.sh [OUTPUT_JAR]
#   OUTPUT_JAR defaults to build/examples/hello.jar in the repository.
set -euo pipefail

example_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
output_jar="${1:-$example_dir/../../build/examples/hello.jar}"

command -v javac >/dev/null 2>&1 || { echo "error: javac is missing; install default-jdk-headless" >&2; exit 1; }
command -v jar >/dev/null 2>&1 || { echo "error: jar is missing; install default-jdk-headless" >&2; exit 1; }

output_dir="$(dirname "$output_jar")"
mkdir -p "$output_dir"
classes_dir="$(mktemp -d)"
trap 'rm -rf "$classes_dir"' EXIT

javac -d "$classes_dir" "$example_dir/src/Hello.java"
jar --create --file "$output_jar" --main-class Hello -C "$classes_dir" .
echo "built $(cd "$output_dir" && pwd)/$(basename "$output_jar")"
