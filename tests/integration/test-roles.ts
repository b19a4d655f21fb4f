/** The application role's password on the test server (its grants are cloned with the template). */
export const TEST_APP_PASSWORD = "mandate-app-test";
