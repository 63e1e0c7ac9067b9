// The GraphQL documents the dashboard sends, in one module without DOM or
// chart code, so the browser test sends the very same ones to the API and
// compares. Read them as the reference for what each view asks.

export const FIGURES = `
  catalogue { departments entries requiredComplete restrictedMissingBasis
              reviews { met due rate } changeObligations { met due rate } fullReviewsDone }
  sharing { shareTypes { unconditional conditional none total } unconditionalShare
            shareRequests { met due rate } answered medianAnswerDays rejectionsWithoutReason
            bulkGrants grantsSuspended grantsRevoked }
  opening { openTypes { unconditional conditional none total } openRequests { met due rate } }
  dataQuality { errorsVerified { met due rate } errorsCorrected { met due rate } updateDue stale }
  use { usageReports { met due rate } }
  violations`;

export const MONTHLY = `month violations answered medianAnswerDays
  shareRequests { met due rate } openRequests { met due rate } errorsVerified { met due rate }`;

export const OVERVIEW = `
query Overview($scope: ComplianceScope, $from: Date, $to: Date) {
  complianceReport(scope: $scope, from: $from, to: $to) {
    from to asOf
    total { ${FIGURES} }
    monthly { ${MONTHLY} }
    violations(first: 10) { nodes { kind article department { id name } due detail } }
  }
  departmentScorecards(scope: $scope, from: $from, to: $to, orderBy: {field: VIOLATIONS, direction: DESC}, first: 10) {
    totalCount
    nodes { department { id name regionCode }
            figures { violations catalogue { entries } sharing { unconditionalShare shareRequests { rate } } dataQuality { stale } } }
  }
  shareRequests(filter: {overdue: true}, first: 10) {
    totalCount
    nodes { id status requester { name } source { name } resource { code name } submittedAt
            deadline { dueDate workingDaysLeft citation } }
  }
  disputes(filter: {overdue: true}, first: 10) {
    totalCount
    nodes { id kind status source { name } resource { code name } openedAt
            currentDeadline { dueDate workingDaysLeft citation } }
  }
}`;

/** The variables the page sends for the hash's query parameters. */
export function overviewVariables(params) {
  const scope = {};
  if (params.get('region')) scope.regionCode = params.get('region');
  if (params.get('level')) scope.level = params.get('level');
  const v = { scope };
  if (params.get('from')) v.from = params.get('from');
  if (params.get('to')) v.to = params.get('to');
  return v;
}

export const DEPARTMENT = `
query Department($id: ID!, $from: Date, $to: Date) {
  department(id: $id) {
    id name creditCode level regionCode parent { id name }
    resources(first: 50) { totalCount nodes { code name shareType openType status stale } }
  }
  complianceReport(scope: {departmentId: $id}, from: $from, to: $to) {
    from to asOf
    total { ${FIGURES} }
    monthly { ${MONTHLY} }
    violations(first: 20) { nodes { kind article department { id name } due detail } }
  }
}`;

export const RESOURCE = `
query Resource($code: String!) {
  resource(code: $code) {
    id code name summary classification format updateFrequency status stale
    shareType shareConditions shareModes openType openConditions legalBasis
    lastDataUpdate { at rows } nextUpdateDue
    sourceDepartment { id name }
    dataItems { name dataType description personal }
    themeDatabases { name kind }
    viewerAccess { share open sample internal canRequest reason }
  }
}`;

export const LINEAGE = `
query Lineage($id: ID!) {
  lineage(id: $id, direction: BOTH, depth: 2, first: 100) {
    totalCount
    nodes {
      depth direction
      node { __typename id
             ... on Department { name } ... on Resource { code name } ... on DataElement { code name } ... on ThemeDatabase { code name } }
      via { kind from to grant { id scenario validUntil } }
    }
  }
}`;

export const CATALOGUE = `
query Catalogue($filter: ResourceFilter, $after: String) {
  resources(first: 50, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { code name sourceDepartment { id name } shareType openType updateFrequency stale
            viewerAccess { open } }
  }
}`;
