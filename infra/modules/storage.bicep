// The data account (task hub queues and tables, trees, datasets, results, the app package) reached only with Entra
// identities: shared key access is off, so no connection string with a key exists for it. The models account holds
// the file share the inference service mounts; Container Apps mounts Azure Files over SMB with an account key, so that
// key lives in the Container Apps environment's storage definition, never in an app setting, and the account holds
// nothing but the models.

@description('Azure region.')
param location string

@description('Name of the data account.')
param dataAccountName string

@description('Name of the models account.')
param modelsAccountName string

@description('Blob containers to create in the data account.')
param containers string[]

@description('Queues to create in the data account.')
param queues string[]

@description('File share holding the models.')
param modelsShare string

@description('Size of the models share, in GiB.')
param modelsShareQuotaGiB int

@description('Principal (the Functions app identity) given blob, queue and table data roles on the data account.')
param appPrincipalId string

@description('Principal given Storage Blob Data Contributor on the data account (uploading datasets, reading results); empty for none.')
param operatorPrincipalId string = ''

// Built-in role definitions.
var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var storageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

// The Functions host and the durable extension need blob ownership (leases, keys), queues and tables.
var appRoles = [
  storageBlobDataOwner
  storageQueueDataContributor
  storageTableDataContributor
]

resource data 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: dataAccountName
  location: location
  sku: {
    name: 'Standard_LRS'
  }
  kind: 'StorageV2'
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    publicNetworkAccess: 'Enabled'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' = {
  parent: data
  name: 'default'
}

resource blobContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = [for name in containers: {
  parent: blobService
  name: name
  properties: {
    publicAccess: 'None'
  }
}]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2024-01-01' = {
  parent: data
  name: 'default'
}

resource queueResources 'Microsoft.Storage/storageAccounts/queueServices/queues@2024-01-01' = [for name in queues: {
  parent: queueService
  name: name
}]

resource appRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in appRoles: {
  name: guid(data.id, appPrincipalId, role)
  scope: data
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}]

resource operatorRoleAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(operatorPrincipalId)) {
  name: guid(data.id, operatorPrincipalId, storageBlobDataContributor)
  scope: data
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: operatorPrincipalId
  }
}

resource models 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: modelsAccountName
  location: location
  sku: {
    name: 'Standard_LRS'
  }
  kind: 'StorageV2'
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    publicNetworkAccess: 'Enabled'
  }
}

resource fileService 'Microsoft.Storage/storageAccounts/fileServices@2024-01-01' = {
  parent: models
  name: 'default'
}

resource share 'Microsoft.Storage/storageAccounts/fileServices/shares@2024-01-01' = {
  parent: fileService
  name: modelsShare
  properties: {
    shareQuota: modelsShareQuotaGiB
    enabledProtocols: 'SMB'
  }
}

@description('The data account name.')
output dataAccountName string = data.name

@description('The data account Blob endpoint, ending in a slash.')
output blobEndpoint string = data.properties.primaryEndpoints.blob

@description('The models account name.')
output modelsAccountName string = models.name

@description('The models share name (created before this output is read).')
output modelsShareName string = share.name
