// Redaction cases for AWS, GCP and Azure credentials: what is redacted and what is kept.

import { REDACTED } from '../../../../../src/security/redact.js';
import { AWS_ID, AWS_SECRET, AWS_TEMP_ID, AZURE_KEY, body, type Category, GIT_SHA } from '../fixtures.js';

export const AWS: Category = {
  redacts: [
    [`aws_access_key_id = ${AWS_ID}`, `aws_access_key_id = AKIA${REDACTED}`, 'aws-access-key-id'],
    [`aws_secret_access_key = ${AWS_SECRET}`, `aws_secret_access_key = ${REDACTED}`, 'aws-secret-access-key'],
    [
      `export AWS_SECRET_ACCESS_KEY=${AWS_SECRET}`,
      `export AWS_SECRET_ACCESS_KEY=${REDACTED}`,
      'aws-secret-access-key',
    ],
    [
      `{"AccessKeyId": "${AWS_TEMP_ID}", "SecretAccessKey": "${AWS_SECRET}", "SessionToken": "FwoGZXIvYXdzEBYaD${body(40)}"}`,
      `{"AccessKeyId": "ASIA${REDACTED}", "SecretAccessKey": "${REDACTED}", "SessionToken": "${REDACTED}"}`,
      'aws-secret-access-key',
    ],
    // The credentials CSV the console offers: the secret follows the id on the same line.
    [`ci-user,${AWS_ID},${AWS_SECRET}`, `ci-user,AKIA${REDACTED},${REDACTED}`, 'aws-secret-access-key'],
    [
      `aws configure set aws_access_key_id ${AWS_ID} && echo ${AWS_SECRET}`,
      `aws configure set aws_access_key_id AKIA${REDACTED} && echo ${REDACTED}`,
      'aws-access-key-id',
    ],
    // A git sha on the same line is hex, not a secret key: only the id goes.
    [`${AWS_ID} deployed at ${GIT_SHA}`, `AKIA${REDACTED} deployed at ${GIT_SHA}`, 'aws-access-key-id'],
  ],
  keeps: [
    'aws_access_key_id = os.environ["AWS_ACCESS_KEY_ID"]',
    `AWS_SECRET_ACCESS_KEY=\${AWS_SECRET_ACCESS_KEY}`,
    'aws_secret_access_key: <your-secret-access-key>',
    'AKIA prefixes mean long-term keys, ASIA temporary ones',
    'AKIASHORT1234',
    `the fix landed in ${GIT_SHA}`,
    'boto3.client("s3", region_name="eu-west-1")',
  ],
};

export const CLOUD: Category = {
  redacts: [
    [
      `DefaultEndpointsProtocol=https;AccountName=fastapiblobs;AccountKey=${AZURE_KEY};EndpointSuffix=core.windows.net`,
      `DefaultEndpointsProtocol=https;AccountName=fastapiblobs;AccountKey=${REDACTED};EndpointSuffix=core.windows.net`,
      'azure-storage-account-key',
    ],
    [
      `Endpoint=sb://bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${body(43)}=`,
      `Endpoint=sb://bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${REDACTED}`,
      'azure-shared-access-key',
    ],
    [
      `BlobServiceClient(account_url=url, credential="${AZURE_KEY}")`,
      `BlobServiceClient(account_url=url, credential="${REDACTED}")`,
      'secret-assignment',
    ],
  ],
  keeps: [
    '"client_id": "109876543210987654321", "project_id": "fastapi-prod-123456"',
    '"private_key_id": ""',
    'AccountName=fastapiblobs;AccountKey=<your-account-key>;EndpointSuffix=core.windows.net',
    'credential = DefaultAzureCredential()',
    'GOOGLE_APPLICATION_CREDENTIALS=/run/secrets/service-account.json',
  ],
};
