# Sourced by ./test.sh. The identity tests drive Debian's headless Chromium through the hosted
# sign-in pages (Microsoft.Playwright with executablePath /usr/bin/chromium; Playwright's own
# browser downloads are never used) and take TOTP codes from OATH Toolkit's oathtool, an RFC 6238
# implementation independent of the server's.
need_packages chromium oathtool fonts-dejavu-core || return 1
