// TtcFunctions on Azure: one storage account (queues, blobs, tables for the durable engine),
// an API + inference app, and a scale-out worker app running the same binary with other roles.
targetScope = 'resourceGroup'

@description('Azure region.')
param location string = resourceGroup().location

@description('Prefix of every resource name (lowercase letters and digits).')
@minLength(3)
@maxLength(11)
param namePrefix string = 'ttc'

@description('Function key clients send in x-functions-key (or ?code=).')
@secure()
param functionKey string

@description('App Service plan SKU; a GPU-less plan runs the shipped tiny models.')
param planSku string = 'P1v3'

@description('Worker instances (competing consumers of the work item queue).')
@minValue(1)
param workerInstances int = 2

@description('host.json overrides, as AzureFunctionsJobHost__ settings (e.g. extensions__queues__maxDequeueCount).')
param maxDequeueCount int = 5

var storageName = '${namePrefix}${uniqueString(resourceGroup().id)}'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take(storageName, 24)
  location: location
  sku: { name: 'Standard_LRS' }
  kind: 'StorageV2'
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    supportsHttpsTrafficOnly: true
  }
}

var storageConnection = 'DefaultEndpointsProtocol=https;AccountName=${storage.name};AccountKey=${storage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${namePrefix}-plan'
  location: location
  sku: { name: planSku }
  kind: 'linux'
  properties: { reserved: true }
}

var commonSettings = [
  { name: 'AzureWebJobsStorage', value: storageConnection }
  { name: 'TTC_FUNCTION_KEY', value: functionKey }
  { name: 'AzureFunctionsJobHost__extensions__queues__maxDequeueCount', value: string(maxDequeueCount) }
]

resource api 'Microsoft.Web/sites@2023-12-01' = {
  name: '${namePrefix}-api-${uniqueString(resourceGroup().id)}'
  location: location
  kind: 'app,linux'
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      linuxFxVersion: 'DOTNETCORE|10.0'
      appCommandLine: 'dotnet TtcFunctions.dll --roles api,inference'
      alwaysOn: true
      appSettings: commonSettings
    }
  }
}

resource worker 'Microsoft.Web/sites@2023-12-01' = {
  name: '${namePrefix}-worker-${uniqueString(resourceGroup().id)}'
  location: location
  kind: 'app,linux'
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      linuxFxVersion: 'DOTNETCORE|10.0'
      // Workers run the models in-process; point ttc__inferenceEndpoint at a GPU node instead to share one.
      appCommandLine: 'dotnet TtcFunctions.dll --roles worker,inference'
      alwaysOn: true
      numberOfWorkers: workerInstances
      appSettings: commonSettings
    }
  }
}

output apiUrl string = 'https://${api.properties.defaultHostName}'
output storageAccount string = storage.name
