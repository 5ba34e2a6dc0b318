// Log Analytics for the Container Apps environment and Application Insights for the Functions app (host and worker).

@description('Azure region.')
param location string

@description('Log Analytics workspace name.')
param workspaceName string

@description('Application Insights component name.')
param appInsightsName string

@description('Days logs are kept.')
@minValue(30)
param retentionInDays int = 30

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: workspaceName
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
  }
}

@description('The workspace name (the inference environment sends its logs there).')
output workspaceName string = workspace.name

@description('The Application Insights component name.')
output appInsightsName string = appInsights.name

@description('The Application Insights connection string (an ingestion endpoint and key, not a credential to read data).')
output connectionString string = appInsights.properties.ConnectionString
