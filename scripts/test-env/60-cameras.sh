# Sourced by ./test.sh. The camera labels test reads the QR codes of `vigil registry labels` with
# ZBar's zbarimg, a QR decoder we did not write (QRCoder wrote them); rsvg-convert (librsvg) renders
# the SVG labels so that their QR codes are read too.
need_packages zbar-tools librsvg2-bin || return 1
