/** The routing core's public surface: facts, rule table, directory, evaluation. Pure: no database, no HTTP. */
export { parisCalendarDate, isCalendarDate, toCalendarDate } from './calendar';
export { parseCsvRecords, parseCsvRows, CsvError } from './csv';
export {
  directoryFromRows, directoryFromData, directoryFromCsv, parseInstitutionsCsv, parseTerritoriesCsv, FUND_KINDS,
  type Directory, type DirectoryData, type InstitutionRow, type TerritoryRow, type FundKind, type ValidityCheck,
} from './directory';
export { extractFacts, type RoutingFacts, type PersonFacts, type FrenchRef, type IgnoredRef, type Residence } from './facts';
export { isNirValid, nirKey, nirMatchesBirthDate, normaliseNir, withNirKey } from './nir';
export { departementFromPostalCode, residenceFrom, OVERSEAS_DEPARTEMENT_BY_COUNTRY } from './postcode';
export {
  validateRuleTable, loadRuleTable, FACT_NAMES, OPERATORS,
  type RuleTable, type Rule, type Condition, type FactCondition, type RuleTarget, type ForwardTarget, type RuleTableCheck, type FactName,
} from './rule-table';
export { evaluate, routeEnvelope, NO_RULE_REASON, type Decision, type TraceStep, type Outcome, type RouteOptions } from './evaluate';
export { loadDirectoryFromConfig, loadRuleTableFromConfig, loadRoutingConfig } from './config-files';
