#!/bin/sh
# Installs what the app also needs, with the package lists an earlier step left.
set -e
apt-get install -y --no-install-recommends bc
