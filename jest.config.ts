import type { Config } from "jest";

const config: Config = {
	testEnvironment: "node",
	roots: ["<rootDir>/test"],
	testMatch: ["**/*.spec.ts"],
	transform: { "^.+\\.ts$": "ts-jest" },
	setupFilesAfterEnv: ["<rootDir>/test/helpers/teardown.ts"],
	testTimeout: 30000,
	maxWorkers: 2
};

export default config;
