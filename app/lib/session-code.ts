/** A session's nine digits as people read them aloud: `123 456 789`. */
export const formatCode = (code: string) => code.replace(/(\d{3})(\d{3})(\d{3})/, '$1 $2 $3');
