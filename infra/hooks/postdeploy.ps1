# azd postdeploy: stage 2 - the ACR Event Grid subscription, after the function code exists.
$ErrorActionPreference = 'Stop'
if (-not $env:GANTRY_ACR_ID) {
  Write-Host 'GANTRY_ACR_ID is not set: skipping the ACR Event Grid subscription (see docs/deploy.md).'
  exit 0
}
az deployment sub create `
  --name "gantry-eventgrid-$($env:AZURE_ENV_NAME)" `
  --location $env:AZURE_LOCATION `
  --template-file infra/eventgrid.bicep `
  --parameters `
    environmentName=$env:AZURE_ENV_NAME `
    acrResourceId=$env:GANTRY_ACR_ID `
    functionAppId=$env:AZURE_FUNCTION_APP_ID `
    storageAccountId=$env:AZURE_STORAGE_ACCOUNT_ID `
    deadLetterContainerName=$env:GANTRY_DEADLETTER_CONTAINER
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
