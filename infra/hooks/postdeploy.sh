#!/bin/sh
# azd postdeploy: stage 2 — the ACR Event Grid subscription, after the function code exists.
set -eu
if [ -z "${GANTRY_ACR_ID:-}" ]; then
  echo "GANTRY_ACR_ID is not set: skipping the ACR Event Grid subscription (see docs/deploy.md)."
  exit 0
fi
az deployment sub create \
  --name "gantry-eventgrid-${AZURE_ENV_NAME}" \
  --location "${AZURE_LOCATION}" \
  --template-file infra/eventgrid.bicep \
  --parameters \
    environmentName="${AZURE_ENV_NAME}" \
    acrResourceId="${GANTRY_ACR_ID}" \
    functionAppId="${AZURE_FUNCTION_APP_ID}" \
    storageAccountId="${AZURE_STORAGE_ACCOUNT_ID}" \
    deadLetterContainerName="${GANTRY_DEADLETTER_CONTAINER}"
