#!/bin/sh
set -eu
echo "$GREETING from $(pwd)"
jq -r '.name + " " + (.version | tostring)' data.json
