/* mlkem-native and mldsa-native, each parameter set compiled into its own namespace
 * (kt_mlkem512_keypair, kt_mldsa65_signature, ...), following upstream's
 * examples/monolithic_build_multilevel. The sources come from managed_components/ (see
 * idf_component.yml); nothing is copied here. */
#define MLK_CONFIG_MULTILEVEL_WITH_SHARED
#define MLK_CONFIG_PARAMETER_SET 512
#define MLK_CONFIG_NAMESPACE_PREFIX kt_mlkem512
#include "mlkem_native.c"
#undef MLK_CONFIG_MULTILEVEL_WITH_SHARED
#define MLK_CONFIG_MULTILEVEL_NO_SHARED
#undef MLK_CONFIG_PARAMETER_SET
#undef MLK_CONFIG_NAMESPACE_PREFIX
#define MLK_CONFIG_PARAMETER_SET 768
#define MLK_CONFIG_NAMESPACE_PREFIX kt_mlkem768
#include "mlkem_native.c"
#undef MLK_CONFIG_PARAMETER_SET
#undef MLK_CONFIG_NAMESPACE_PREFIX
#define MLK_CONFIG_PARAMETER_SET 1024
#define MLK_CONFIG_NAMESPACE_PREFIX kt_mlkem1024
#include "mlkem_native.c"

#define MLD_CONFIG_MULTILEVEL_WITH_SHARED
#define MLD_CONFIG_PARAMETER_SET 44
#define MLD_CONFIG_NAMESPACE_PREFIX kt_mldsa44
#include "mldsa_native.c"
#undef MLD_CONFIG_MULTILEVEL_WITH_SHARED
#define MLD_CONFIG_MULTILEVEL_NO_SHARED
#undef MLD_CONFIG_PARAMETER_SET
#undef MLD_CONFIG_NAMESPACE_PREFIX
#define MLD_CONFIG_PARAMETER_SET 65
#define MLD_CONFIG_NAMESPACE_PREFIX kt_mldsa65
#include "mldsa_native.c"
#undef MLD_CONFIG_PARAMETER_SET
#undef MLD_CONFIG_NAMESPACE_PREFIX
#define MLD_CONFIG_PARAMETER_SET 87
#define MLD_CONFIG_NAMESPACE_PREFIX kt_mldsa87
#include "mldsa_native.c"
