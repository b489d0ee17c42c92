DELETE FROM maskinporten_scopes WHERE name IN (
    'altinn:accessmanagement/enduser:maskinportensuppliers.read', 'altinn:accessmanagement/enduser:maskinportensuppliers.write',
    'altinn:accessmanagement/enduser:maskinportenconsumers.read', 'altinn:accessmanagement/enduser:maskinportenconsumers.write');
DROP TABLE IF EXISTS api_delegation_suppliers;
