// TtcFunctions on Azure, in one resource group:
//   - a storage account for the durable task hub, search trees, datasets and batch results (identity access only),
//     and a second one holding the models file share (Container Apps mounts Azure Files with an account key);
//   - the Functions app (src/TtcFunctions, .NET isolated on Linux; Flex Consumption or Elastic Premium);
//   - the GPU inference service: the same project built with -p:OnnxRuntimeFlavor=gpu, run as --roles inference
//     on a Container Apps serverless GPU profile, scaling to zero and out on HTTP concurrency;
//   - Application Insights (worker and host telemetry) over a Log Analytics workspace.
// Names the code also uses (task hub, containers, queue, settings) come from host.json or are checked against the
// code's constants by tests/TtcFunctions.Tests/InfraNamesTests.cs.
targetScope = 'resourceGroup'

@description('Azure region of every resource; it must offer Flex Consumption (or Elastic Premium) and Container Apps serverless GPUs.')
param location string = resourceGroup().location

@description('Prefix of every resource name (lowercase letters and digits).')
@minLength(3)
@maxLength(11)
param namePrefix string = 'ttc'

@description('Function key: clients send it as x-functions-key (or ?code=); the Functions app sends it to the inference service, which requires it.')
@secure()
@minLength(16)
param functionKey string

@description('Hosting plan of the Functions app.')
@allowed([
  'FlexConsumption'
  'ElasticPremium'
])
param hostingPlan string = 'FlexConsumption'

@description('Elastic Premium size (only with hostingPlan ElasticPremium).')
@allowed([
  'EP1'
  'EP2'
  'EP3'
])
param premiumSku string = 'EP1'

@description('Most instances the Functions app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory of one Flex Consumption instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Serverless GPU profile of the inference service.')
@allowed([
  'Consumption-GPU-NC8as-T4'
  'Consumption-GPU-NC24-A100'
])
param gpuProfile string = 'Consumption-GPU-NC8as-T4'

@description('Name of an Azure Container Registry in this resource group that holds the inference image (empty: the image is public).')
param registryName string = ''

@description('Inference image: repository:tag in that registry (infra/docker/inference.Dockerfile), or a full public reference.')
param inferenceImage string = 'ttc-inference:latest'

@description('Most GPU replicas of the inference service (it scales to zero when idle).')
@minValue(1)
@maxValue(20)
param inferenceMaxReplicas int = 2

@description('Concurrent HTTP requests per GPU replica before another one is added (generation calls carry whole batches).')
@minValue(1)
param inferenceConcurrentRequests int = 64

@description('Generator folder on the models share (mounted at /models); the Functions package carries its tokenizer and config under models/<folder>.')
param generatorFolder string = 'generator-small'

@description('PRM folder on the models share, and under models/ in the Functions package.')
param prmFolder string = 'prm'

@description('Chat layout the Functions app uses for the remote generator: llama3, qwen2 or ttc (the shipped tiny models).')
@allowed([
  'llama3'
  'qwen2'
  'ttc'
])
param chatTemplate string = 'ttc'

@description('Size of the models file share, in GiB.')
@minValue(1)
param modelsShareQuotaGiB int = 100

@description('Object id of the person or pipeline that uploads datasets and reads results (Storage Blob Data Contributor on the data account); empty for none.')
param operatorPrincipalId string = ''

// The Functions package carries the repository's host.json: the task hub and the datasets container are read from it,
// so the containers made here are the ones the app uses.
var hostJson = loadJsonContent('../host.json')
var taskHubName = hostJson.extensions.durableTask.hubName
var datasetContainer = hostJson.ttc.datasetContainer
// StorageNames.TreeContainer and ResultsContainer: the hub name in lowercase with a suffix.
var treeContainer = '${toLower(taskHubName)}-trees'
var resultsContainer = '${toLower(taskHubName)}-results'
// DurableNames.BatchQueue: messages (a POST /api/batches body) start batch runs.
var batchQueue = 'ttc-batches'
// Flex Consumption deploys from this container; Elastic Premium runs the package blob in it (no Azure Files, no keys).
var packageContainer = 'app-package'
var packageBlob = 'ttcfunctions.zip'
var modelsShare = 'models'

var token = uniqueString(resourceGroup().id)
var dataAccountName = take('${namePrefix}data${token}', 24)
var modelsAccountName = take('${namePrefix}mdl${token}', 24)

resource functionIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${namePrefix}-func-id-${token}'
  location: location
}

resource inferenceIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${namePrefix}-inference-id-${token}'
  location: location
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    workspaceName: '${namePrefix}-logs-${token}'
    appInsightsName: '${namePrefix}-ai-${token}'
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    dataAccountName: dataAccountName
    modelsAccountName: modelsAccountName
    containers: [
      packageContainer
      datasetContainer
      treeContainer
      resultsContainer
    ]
    queues: [
      batchQueue
    ]
    modelsShare: modelsShare
    modelsShareQuotaGiB: modelsShareQuotaGiB
    appPrincipalId: functionIdentity.properties.principalId
    operatorPrincipalId: operatorPrincipalId
  }
}

module inference 'modules/inference.bicep' = {
  name: 'inference'
  params: {
    location: location
    environmentName: '${namePrefix}-env-${token}'
    appName: '${namePrefix}-inference'
    gpuProfile: gpuProfile
    identityId: inferenceIdentity.id
    identityPrincipalId: inferenceIdentity.properties.principalId
    registryName: registryName
    image: inferenceImage
    functionKey: functionKey
    modelsAccountName: storage.outputs.modelsAccountName
    modelsShare: modelsShare
    generatorFolder: generatorFolder
    prmFolder: prmFolder
    maxReplicas: inferenceMaxReplicas
    concurrentRequests: inferenceConcurrentRequests
    workspaceName: monitoring.outputs.workspaceName
  }
}

module functions 'modules/functions.bicep' = {
  name: 'functions'
  params: {
    location: location
    planName: '${namePrefix}-plan-${token}'
    appName: '${namePrefix}-func-${token}'
    hostingPlan: hostingPlan
    premiumSku: premiumSku
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    identityId: functionIdentity.id
    identityClientId: functionIdentity.properties.clientId
    storageAccountName: storage.outputs.dataAccountName
    blobEndpoint: storage.outputs.blobEndpoint
    packageContainer: packageContainer
    packageBlob: packageBlob
    appInsightsConnectionString: monitoring.outputs.connectionString
    functionKey: functionKey
    inferenceUrl: inference.outputs.url
    chatTemplate: chatTemplate
    generatorFolder: generatorFolder
    prmFolder: prmFolder
  }
}

@description('Base address of the API: POST {apiBaseUrl}/api/solve, /api/batches; GET /api/instances/{id}.')
output apiBaseUrl string = functions.outputs.url

@description('Name of the Functions app (for the zip deployment).')
output functionAppName string = functions.outputs.appName

@description('The data storage account: task hub, trees, results and the datasets container.')
output storageAccount string = storage.outputs.dataAccountName

@description('The storage account whose file share holds the models.')
output modelsStorageAccount string = storage.outputs.modelsAccountName

@description('The models file share, mounted read-only at /models in the inference service.')
output modelsShareName string = modelsShare

@description('The blob container batch datasets are read from.')
output datasetContainerName string = datasetContainer

@description('The blob container batch results are written to (<batch id>/results.jsonl and summary.json).')
output resultsContainerName string = resultsContainer

@description('Base address of the GPU inference service (POST /v1/completions, /api/score; GET /api/health).')
output inferenceUrl string = inference.outputs.url

@description('Name of the inference container app.')
output inferenceAppName string = inference.outputs.appName
