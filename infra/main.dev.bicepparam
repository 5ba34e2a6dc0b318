// A dev deployment: Flex Consumption, one T4 replica at most, the shipped tiny models' folder names.
// az deployment group create -g <group> -f infra/main.bicep -p infra/main.dev.bicepparam
// with TTC_FUNCTION_KEY (16+ characters), TTC_REGISTRY (an Azure Container Registry in the group) and
// TTC_OPERATOR_ID (your object id: az ad signed-in-user show --query id -o tsv) in the environment.
using 'main.bicep'

param namePrefix = 'ttcdev'
param functionKey = readEnvironmentVariable('TTC_FUNCTION_KEY')
param hostingPlan = 'FlexConsumption'
param maximumInstanceCount = 10
param gpuProfile = 'Consumption-GPU-NC8as-T4'
param registryName = readEnvironmentVariable('TTC_REGISTRY', '')
param inferenceImage = 'ttc-inference:dev'
param inferenceMaxReplicas = 1
param generatorFolder = 'generator-small'
param prmFolder = 'prm'
param chatTemplate = 'ttc'
param modelsShareQuotaGiB = 100
param operatorPrincipalId = readEnvironmentVariable('TTC_OPERATOR_ID', '')
