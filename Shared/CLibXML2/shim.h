#ifndef TRELLIS_CLIBXML2_SHIM_H
#define TRELLIS_CLIBXML2_SHIM_H
#include <libxml/xmlversion.h>
/* Debian builds libxml2 with ICU, so <libxml/encoding.h> pulls in the
 * system's <unicode/ucnv.h>. Swift's Foundation carries its own, newer ICU
 * headers (_FoundationICU); a Swift module that sees both fails with
 * "UErrorCode ... is not present in definition" on a clean build.
 * Trellis never touches libxml2's encoding handlers (the stream is UTF-8
 * only and checked before libxml2 sees it), so hide the ICU part: it only
 * declares a private struct and two trailing pointer fields of
 * xmlCharEncodingHandler, which we never allocate or read. */
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>
#endif
