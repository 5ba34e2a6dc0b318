// The Functions app: src/TtcFunctions as a .NET isolated app on Linux, on Flex Consumption or Elastic Premium. It
// reaches storage with its user-assigned identity (AzureWebJobsStorage__accountName, no key anywhere), sends
// inference to the GPU service (ttc:inferenceEndpoint, so it runs the api and worker roles only), and reports to
// Application Insights. The task hub and the other durable settings come from the host.json in the package.

@description('Azure region.')
param location string

@description('Hosting plan name.')
param planName string

@description('Functions app name (its host name is <name>.azurewebsites.net).')
param appName string

@description('FlexConsumption or ElasticPremium.')
@allowed([
  'FlexConsumption'
  'ElasticPremium'
])
param hostingPlan string

@description('Elastic Premium size.')
param premiumSku string

@description('Most instances the app scales out to.')
param maximumInstanceCount int

@description('Memory of one Flex Consumption instance, in MB.')
param instanceMemoryMB int

@description('Resource id of the app user-assigned identity.')
param identityId string

@description('Client id of that identity (AzureWebJobsStorage__clientId).')
param identityClientId string

@description('The data storage account (AzureWebJobsStorage__accountName).')
param storageAccountName string

@description('Its Blob endpoint, ending in a slash.')
param blobEndpoint string

@description('Container of the deployment package.')
param packageContainer string

@description('Blob name of the package an Elastic Premium app runs from.')
param packageBlob string

@description('Application Insights connection string (APPLICATIONINSIGHTS_CONNECTION_STRING).')
param appInsightsConnectionString string

@description('Function key of clients and of the calls to the inference service.')
@secure()
param functionKey string

@description('Base address of the inference service (ttc:inferenceEndpoint).')
param inferenceUrl string

@description('Chat layout of the remote generator (ttc:chatTemplate).')
param chatTemplate string

@description('Generator folder: the package carries its tokenizer and config under models/<folder> (submit-time context checks).')
param generatorFolder string

@description('PRM folder, the same way.')
param prmFolder string

var flex = hostingPlan == 'FlexConsumption'
var runtimeVersion = '10.0'

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  kind: flex ? 'functionapp' : 'elastic'
  sku: flex ? {
    name: 'FC1'
    tier: 'FlexConsumption'
  } : {
    name: premiumSku
    tier: 'ElasticPremium'
  }
  properties: {
    reserved: true
    maximumElasticWorkerCount: flex ? null : maximumInstanceCount
  }
}

// The settings both plans share. Host storage is identity-based: the account name, the managed identity, its client id.
// ttc settings go through the AzureFunctionsJobHost__ prefix, which overrides host.json in the Functions host and in the
// worker alike (HostConfiguration); TTC_FUNCTION_KEY is what the worker sends to the inference service. The model
// folders are the inference service's folder names under the package's models/: /api/solve checks a problem against
// the context of the models that will run it (tokenizer and config.json only; the ONNX graphs stay on the GPU side).
var appSettings = {
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
  TTC_FUNCTION_KEY: functionKey
  AzureFunctionsJobHost__ttc__inferenceEndpoint: inferenceUrl
  AzureFunctionsJobHost__ttc__chatTemplate: chatTemplate
  AzureFunctionsJobHost__ttc__generator: 'models/${generatorFolder}'
  AzureFunctionsJobHost__ttc__prm: 'models/${prmFolder}'
}

// Elastic Premium without an Azure Files content share (it would need a connection string with a key): the app runs
// the package blob, fetched with the same identity.
var premiumSettings = {
  FUNCTIONS_EXTENSION_VERSION: '~4'
  FUNCTIONS_WORKER_RUNTIME: 'dotnet-isolated'
  WEBSITE_RUN_FROM_PACKAGE: '${blobEndpoint}${packageContainer}/${packageBlob}'
  WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID: identityId
}

var settings = flex ? appSettings : union(appSettings, premiumSettings)

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    functionAppConfig: flex ? {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${packageContainer}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: runtimeVersion
      }
    } : null
    siteConfig: {
      linuxFxVersion: flex ? null : 'DOTNET-ISOLATED|${runtimeVersion}'
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: [for setting in items(settings): {
        name: setting.key
        value: setting.value
      }]
    }
  }
}

// The host-level function key clients send (x-functions-key or ?code=); the HTTP functions use AuthorizationLevel.Function.
// ARM has this type (PUT .../sites/{app}/host/default/functionKeys/{name}) but Bicep's type index does not, whatever
// the API version, hence the one suppressed diagnostic: properties cannot be checked before deployment.
#disable-next-line BCP081
resource clientKey 'Microsoft.Web/sites/host/functionKeys@2024-04-01' = {
  name: '${app.name}/default/ttc'
  properties: {
    name: 'ttc'
    value: functionKey
  }
}

@description('The API base address.')
output url string = 'https://${app.properties.defaultHostName}'

@description('The app name.')
output appName string = app.name
