// The GPU inference service: a Container Apps environment with a serverless GPU workload profile, running the inference
// role of src/TtcFunctions built with the GPU flavour (infra/docker/inference.Dockerfile). The models come from an
// Azure Files share mounted read-only at /models. It scales to zero when idle (GPU seconds are billed only while a
// replica runs) and out on HTTP concurrency; every call except /api/health needs the function key.

@description('Azure region.')
param location string

@description('Container Apps environment name.')
param environmentName string

@description('Container app name.')
@maxLength(32)
param appName string

@description('Serverless GPU workload profile type.')
@allowed([
  'Consumption-GPU-NC8as-T4'
  'Consumption-GPU-NC24-A100'
])
param gpuProfile string

@description('Resource id of the user-assigned identity the app pulls its image with.')
param identityId string

@description('Principal id of that identity.')
param identityPrincipalId string

@description('Container registry in this resource group holding the image; empty when the image is public.')
param registryName string

@description('Image: repository:tag in the registry, or a full reference when registryName is empty.')
param image string

@description('Function key the service requires (TTC_FUNCTION_KEY).')
@secure()
param functionKey string

@description('Storage account of the models share.')
param modelsAccountName string

@description('The models share.')
param modelsShare string

@description('Generator folder on the share.')
param generatorFolder string

@description('PRM folder on the share.')
param prmFolder string

@description('Most replicas.')
param maxReplicas int

@description('Concurrent requests per replica before scaling out.')
param concurrentRequests int

@description('Log Analytics workspace receiving the console logs.')
param workspaceName string

// The whole GPU node of a serverless profile is the replica's: its vCPU and memory.
var resources = {
  'Consumption-GPU-NC8as-T4': {
    cpu: 8
    memory: '56Gi'
  }
  'Consumption-GPU-NC24-A100': {
    cpu: 24
    memory: '220Gi'
  }
}

var gpuProfileName = 'gpu'
var port = 8080
var mountPath = '/models'
// The self-host's health route (Routes.Health); it answers once the models are loaded, so it is also the startup probe.
var healthPath = '/api/health'
var useRegistry = !empty(registryName)
var acrPull = '7f951dda-4ed3-4680-a7ca-43fe172d538d'

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: workspaceName
}

resource modelsAccount 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: modelsAccountName
}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = if (useRegistry) {
  name: registryName
}

resource pull 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (useRegistry) {
  name: guid(resourceGroup().id, registryName, identityPrincipalId, acrPull)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPull)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: environmentName
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: workspace.properties.customerId
        sharedKey: workspace.listKeys().primarySharedKey
      }
    }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
      {
        name: gpuProfileName
        workloadProfileType: gpuProfile
      }
    ]
  }
}

resource modelsStorage 'Microsoft.App/managedEnvironments/storages@2024-03-01' = {
  parent: environment
  name: 'models'
  properties: {
    azureFile: {
      accountName: modelsAccount.name
      accountKey: modelsAccount.listKeys().keys[0].value
      shareName: modelsShare
      accessMode: 'ReadOnly'
    }
  }
}

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: appName
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  dependsOn: [
    pull
  ]
  properties: {
    environmentId: environment.id
    workloadProfileName: gpuProfileName
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: port
        transport: 'auto'
        allowInsecure: false
      }
      registries: useRegistry ? [
        {
          server: registry!.properties.loginServer
          identity: identityId
        }
      ] : []
      secrets: [
        {
          name: 'function-key'
          value: functionKey
        }
      ]
    }
    template: {
      containers: [
        {
          name: 'inference'
          image: useRegistry ? '${registry!.properties.loginServer}/${image}' : image
          resources: {
            cpu: resources[gpuProfile].cpu
            memory: resources[gpuProfile].memory
          }
          env: [
            {
              name: 'TTC_FUNCTION_KEY'
              secretRef: 'function-key'
            }
            {
              name: 'AzureFunctionsJobHost__ttc__generator'
              value: '${mountPath}/${generatorFolder}'
            }
            {
              name: 'AzureFunctionsJobHost__ttc__prm'
              value: '${mountPath}/${prmFolder}'
            }
            {
              name: 'AzureFunctionsJobHost__ttc__executionProvider'
              value: 'cuda'
            }
          ]
          volumeMounts: [
            {
              volumeName: 'models'
              mountPath: mountPath
            }
          ]
          probes: [
            {
              type: 'Startup'
              httpGet: {
                path: healthPath
                port: port
              }
              initialDelaySeconds: 5
              periodSeconds: 10
              failureThreshold: 60
            }
            {
              type: 'Liveness'
              httpGet: {
                path: healthPath
                port: port
              }
              periodSeconds: 30
              failureThreshold: 3
            }
          ]
        }
      ]
      scale: {
        minReplicas: 0
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'http-concurrency'
            http: {
              metadata: {
                concurrentRequests: string(concurrentRequests)
              }
            }
          }
        ]
      }
      volumes: [
        {
          name: 'models'
          storageType: 'AzureFile'
          storageName: modelsStorage.name
        }
      ]
    }
  }
}

@description('Base address of the service.')
output url string = 'https://${app.properties.configuration.ingress.fqdn}'

@description('The container app name.')
output appName string = app.name
