/* mlkem-native and mldsa-native, every parameter set in one translation unit each, following
 * upstream's examples/monolithic_build_multilevel: the level-independent code (FIPS 202) is
 * compiled with the first level only, and the namespace prefix gets the level appended, so the
 * symbols are kt_mlkem512_keypair, kt_mlkem768_enc, kt_mldsa65_signature, ... The sources come
 * from managed_components/ (see idf_component.yml); nothing is copied here.
 * UNVERIFIED (ESP-IDF not available where this was written): the monobuild file name and the
 * MLK_/MLD_ config macros follow upstream main at the time of writing; check them against the
 * pinned tags (README.md, "What was and was not run"). */
#define MLK_CONFIG_NAMESPACE_PREFIX kt_mlkem
#define MLK_CONFIG_INTERNAL_API_QUALIFIER static
#define MLK_CONFIG_MULTILEVEL_WITH_SHARED
#define MLK_CONFIG_MONOBUILD_KEEP_SHARED_HEADERS
#define MLK_CONFIG_PARAMETER_SET 512
#include "mlkem_native_monobuild.c"
#undef MLK_CONFIG_PARAMETER_SET
#undef MLK_CONFIG_MULTILEVEL_WITH_SHARED
#define MLK_CONFIG_MULTILEVEL_NO_SHARED
#define MLK_CONFIG_PARAMETER_SET 768
#include "mlkem_native_monobuild.c"
#undef MLK_CONFIG_PARAMETER_SET
#undef MLK_CONFIG_MONOBUILD_KEEP_SHARED_HEADERS
#define MLK_CONFIG_PARAMETER_SET 1024
#include "mlkem_native_monobuild.c"
#undef MLK_CONFIG_PARAMETER_SET

#define MLD_CONFIG_NAMESPACE_PREFIX kt_mldsa
#define MLD_CONFIG_INTERNAL_API_QUALIFIER static
#define MLD_CONFIG_MULTILEVEL_WITH_SHARED
#define MLD_CONFIG_MONOBUILD_KEEP_SHARED_HEADERS
#define MLD_CONFIG_PARAMETER_SET 44
#include "mldsa_native_monobuild.c"
#undef MLD_CONFIG_PARAMETER_SET
#undef MLD_CONFIG_MULTILEVEL_WITH_SHARED
#define MLD_CONFIG_MULTILEVEL_NO_SHARED
#define MLD_CONFIG_PARAMETER_SET 65
#include "mldsa_native_monobuild.c"
#undef MLD_CONFIG_PARAMETER_SET
#undef MLD_CONFIG_MONOBUILD_KEEP_SHARED_HEADERS
#define MLD_CONFIG_PARAMETER_SET 87
#include "mldsa_native_monobuild.c"
#undef MLD_CONFIG_PARAMETER_SET
