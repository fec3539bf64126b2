// A module whose top level throws while it loads.
throw new Error('the configuration file udfs.json is missing');
